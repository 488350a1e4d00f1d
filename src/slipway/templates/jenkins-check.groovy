    stage('Check') {
      // slipway init --dagger: config, test, scan and validate through `dagger check`.
      steps {
        sh 'dagger check'
      }
    }
